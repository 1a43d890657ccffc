"""The one error type a user sees: a single readable Chinese line, never a traceback."""


class UserError(Exception):
    """A problem with the user's input or environment, explained in one line of Chinese."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
