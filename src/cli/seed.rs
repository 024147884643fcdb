//! `seed`: the reference data, the living demo (`--demo`) or a large generated programme
//! (`--scale N`).

use super::progress::Progress;
use super::{describe, display_url, open, write};
use crate::config::Settings;
use crate::seed as seeds;
use crate::service::consultations;

pub(super) fn seed(settings: &Settings, demo: bool, scale: Option<u32>) -> Result<(), String> {
    if demo {
        seed_demo(settings)?;
    } else if let Some(n) = scale {
        seed_scale(settings, n)?;
    } else {
        // Opening the database seeds any missing reference data.
        open(settings)?;
        println!("reference data is present ({})", display_url(settings));
    }
    Ok(())
}

/// `seed --demo`: the demo, then the VNG call, and the demo users' passwords, shown once.
fn seed_demo(settings: &Settings) -> Result<(), String> {
    let (summary, vng_call) = write(settings, |conn| {
        let bar = Progress::new("seeding demo");
        let summary = seeds::demo::seed_demo(conn, &mut |step: &str| bar.step(step));
        bar.finish();
        let summary = summary.map_err(describe)?;
        let vng_call = consultations::seed_vng_call(conn).map_err(describe)?;
        Ok((summary, vng_call))
    })?;
    if vng_call {
        println!("the VNG call for best practices (vng-top5-2020) is in the consultations");
    }
    println!(
        "demo seeded: {} programmes, {} actions, {} milestones, {} progress updates, {} indicators with {} values",
        summary.programmes,
        summary.actions,
        summary.milestones,
        summary.progress_updates,
        summary.indicators,
        summary.indicator_values
    );
    println!();
    println!("Demo users — these passwords are shown only now:");
    println!("{:<28} {:<14} {:<12} password", "username", "role", "scope");
    for user in &summary.users {
        println!(
            "{:<28} {:<14} {:<12} {}",
            user.username,
            user.role,
            user.scope.as_deref().unwrap_or("-"),
            user.password
        );
    }
    Ok(())
}

/// `seed --scale N`: a progress bar on a terminal, a summary line on stdout.
fn seed_scale(settings: &Settings, n: u32) -> Result<(), String> {
    let summary = write(settings, |conn| {
        let config = seeds::scale::ScaleConfig::for_scale(n);
        let bar = Progress::new(&format!("seeding scale {n}"));
        let outcome = seeds::scale::seed_scale(conn, &config, &mut |done, total| {
            bar.count(done, total, "actions", "")
        });
        bar.finish();
        outcome.map_err(describe)
    })?;
    println!(
        "scale {n} seeded in {:.1} s: {} areas, {} programmes, {} actions, {} baselines, {} milestones with {} events, {} progress updates, {} indicators with {} values",
        summary.elapsed_seconds,
        summary.areas,
        summary.programmes,
        summary.actions,
        summary.baselines,
        summary.milestones,
        summary.milestone_events,
        summary.progress_updates,
        summary.indicators,
        summary.indicator_values
    );
    Ok(())
}
