"""``rifwatch deploy``: serve the ``weekly_surveillance`` deployment on its configured schedule."""

from __future__ import annotations

import argparse

from flows.commands.common import add_db_option


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "deploy",
        help="serve the weekly flow on its cron schedule (config/schedule.toml)",
        description=(
            "Serve the Prefect deployment of weekly_surveillance with the cron schedule and time zone "
            "from config/schedule.toml (default: Mondays 06:00 UTC). Runs until stopped; the schedule "
            "stays active when this process stops (pause_on_shutdown=False). Point PREFECT_API_URL at "
            "a Prefect server to share it; without one Prefect starts a temporary local server."
        ),
    )
    add_db_option(parser)
    parser.add_argument("--source", choices=("pubmed", "snapshot"), default="pubmed")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefect.schedules import Cron

    from config.schema import default_config
    from flows.weekly import weekly_surveillance

    schedule = default_config().schedule
    weekly_surveillance.serve(
        name=schedule.deployment_name,
        schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
        parameters={"db": args.db, "source": args.source},
        pause_on_shutdown=False,
        description=weekly_surveillance.description,
    )
    return 0
