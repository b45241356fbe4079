"""Reports at the ToR deadlines, and the coordinators' digest."""
