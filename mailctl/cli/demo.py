"""`mailctl demo`: a guided tour against the built-in emulator (mailctl.cli.tour)."""

import typer


def demo(ctx: typer.Context) -> None:
    """A guided tour against the built-in emulator; touches nothing of yours.

    Starts the emulator on a free 127.0.0.1 port inside this process, then runs real
    commands against it -- profile add, session login, domain list, pop create, pop
    list, passwd, pop delete, account passwd -- printing each command line before its
    output. The config, state and keyring are temporary and gone when the tour ends."""
    from mailctl.cli.tour import Tour

    runtime = ctx.obj
    options = runtime.options
    global_args = ["--output", options.output] if options.output else []
    code = Tour(runtime.env, global_args, no_color=options.no_color).run()
    if code:
        raise typer.Exit(code)
