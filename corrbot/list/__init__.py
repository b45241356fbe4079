"""The mailing list: commands, membership, moderation, redistribution, bounces."""
