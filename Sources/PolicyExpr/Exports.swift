// Every user of the expression language needs source positions and diagnostics.
@_exported import PolicySource
