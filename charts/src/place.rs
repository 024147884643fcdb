//! Placing labels: the first of a few candidate boxes that stays inside its bounds and clear of
//! everything placed before it.

use crate::canvas::Rect;

/// The index of the first of `candidates` inside `bounds` that overlaps none of `taken`.
pub(crate) fn first_clear(candidates: &[Rect], taken: &[Rect], bounds: Rect) -> Option<usize> {
    candidates.iter().position(|candidate| {
        bounds.contains(candidate) && !taken.iter().any(|other| other.overlaps(candidate))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_candidate_inside_and_clear_wins() {
        let bounds = Rect::new(0, 0, 100, 100);
        let taken = [Rect::new(0, 0, 50, 50)];
        let candidates = [
            Rect::new(10, 10, 20, 20),
            Rect::new(90, 90, 110, 110),
            Rect::new(60, 60, 70, 70),
        ];
        assert_eq!(first_clear(&candidates, &taken, bounds), Some(2));
        assert_eq!(first_clear(&candidates[..2], &taken, bounds), None);
    }
}
