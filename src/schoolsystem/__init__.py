"""schoolsystem: the platform for England's self-improving, school-led school system."""
