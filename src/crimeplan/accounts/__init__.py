"""Accounts, roles and the commentary workflow: the service layer a web app and the CLI call.

One SQLite file (`<store>.accounts.sqlite` unless given) holds accounts, sessions, login attempts,
commentary with its history, and the audit log. `access.can` decides every access.

Public modules: `access` (roles, scopes, the function can), `passwords` (argon2), `sessions` (login,
expiry, CSRF, rate limits), `users` (add, remove, set role), `workflow` (commentary: write, review,
export).
"""

from crimeplan.accounts._db import AccountsDB, default_path
from crimeplan.accounts.access import AccessMap, Action, Refused, Role, Scope, User, can, require

__all__ = ["AccessMap", "AccountsDB", "Action", "Refused", "Role", "Scope", "User", "can", "default_path", "require"]
