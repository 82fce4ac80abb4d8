"""The core's own contributions, registered through the same hooks as any third-party plugin."""
