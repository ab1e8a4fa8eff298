"""Command-line groups (`flask taxonomy`, `flask demo`, `flask users`). Each commits once."""
