"""The command line: the console entry, the option table, the parsers made from it, the Typer
app, help, auth, and `watch` references."""
