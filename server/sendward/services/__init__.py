"""Use cases: score a draft, read and change a tenant's policy, record decisions."""
