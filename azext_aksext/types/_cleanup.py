"""Cleanup steps of a delete: removing what an extension's companions leave behind must never stop the delete."""
from knack.log import get_logger

from ._context import is_missing

logger = get_logger(__name__)


def quiet(action, done=None):
    """Run a cleanup step: a missing resource is nothing to do, another failure a warning (the extension is still
    deleted). Returns the action's result, or None."""
    try:
        result = action()
    except Exception as err:  # pylint: disable=broad-except
        if not is_missing(err):
            logger.warning("Cleanup step failed (%s): %s", done or 'read', err)
        return None
    if done:
        logger.info(done)
    return result
