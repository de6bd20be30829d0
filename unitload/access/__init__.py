"""Who may see what, and the record of what they saw:

- `scope`: a user's role (`unitload.roles`, the table of roles) and scope from their sign-in claims, and the
  settings each role may read;
- `views`: a user's scoped views below the named queries; `names`: how an officer is labelled;
- `audit`: the audit trail; `downloads`: the guard that serves an export once, to the browser that asked.
"""
