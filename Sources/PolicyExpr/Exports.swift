// Every user of the expression language needs source positions and diagnostics.
@_exported import PolicySource
// The JSON layer (scanner, values, reader, writer) is PolicyJSON; the schema decoder and Value
// writing here build on it, and users of PolicyExpr get both.
@_exported import PolicyJSON
