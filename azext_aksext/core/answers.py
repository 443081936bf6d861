"""Reading the parts of a service's answer that aksext's own checks use, so that an answer of an unexpected shape
(a list where an object belongs, a number where a version belongs) reads as 'not there' instead of crashing the
command: the check then cannot tell, and the service decides."""


def mapping(value):
    """A part that should be a JSON object, or {} when the service sent something else."""
    return value if isinstance(value, dict) else {}


def items(value):
    """A part that should be a JSON array, or [] when the service sent something else."""
    return value if isinstance(value, list) else []


def text(value):
    """A part that should be a string, or None when the service sent something else."""
    return value if isinstance(value, str) else None
