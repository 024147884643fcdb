//! Rows of what is tracked: programmes, actions, baselines, milestones, progress, indicators.
