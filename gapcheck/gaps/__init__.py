"""Policy rows against an edition: the audit's statuses, which edition the policy follows (evidence), which gaps to act on first (ranking), and what executives read (summary)."""
