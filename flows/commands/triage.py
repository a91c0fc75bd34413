"""``rifwatch triage``: the maintainers' queue, one paper, and decisions, from the command line.

::

    rifwatch triage list
    rifwatch triage show PMID
    rifwatch triage confirm PMID [--effect KEY] --reason TEXT
    rifwatch triage correct PMID --field F --value V [--effect KEY] --reason TEXT
    rifwatch triage reject PMID --why not_a_trial|off_topic|duplicate [--of PMID] --reason TEXT
    rifwatch triage reject PMID --effect KEY --reason TEXT
    rifwatch triage flag FLAG_ID confirm|dismiss --reason TEXT
    rifwatch triage export-labels [--out FILE]

Every decision needs ``--reason`` and names its curator (``--curator``, else ``$RIFWATCH_CURATOR``,
else the login name). Decisions go through ``flows.triage_service.decide``, the same function the
web page calls: the decision is written, the strata are pooled again and the flags it settles move.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from config.schema import default_config
from flows.errors import UserError
from models.curation import CURATION_FIELDS_HELP, REJECT_WHYS, CurationError

VERDICTS = {"confirm": "confirmed", "dismiss": "dismissed"}


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="warehouse file (default: $RIFWATCH_DB or ./rifwatch.duckdb)")


def _decision_options(parser: argparse.ArgumentParser) -> None:
    _db_option(parser)
    parser.add_argument("--reason", required=True, help="what you checked and why you decided so (required)")
    parser.add_argument("--curator", default=None,
                        help="who decides (default: $RIFWATCH_CURATOR or the login name)")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "triage", help="review what the machine found: list the queue, show a paper, confirm, correct or reject",
        description=__doc__.split("::")[0].strip())
    verbs = parser.add_subparsers(dest="triage_verb", metavar="ACTION", required=True)

    listing = verbs.add_parser("list", help="the triage queue, most urgent first, each with why")
    _db_option(listing)
    listing.set_defaults(func=_list)

    show = verbs.add_parser("show", help="one paper: classification, abstract with evidence, effects, decisions")
    show.add_argument("pmid")
    _db_option(show)
    show.set_defaults(func=_show)

    confirm = verbs.add_parser("confirm", help="confirm a paper (and its undecided numbers) or one effect")
    confirm.add_argument("pmid")
    confirm.add_argument("--effect", default=None, metavar="KEY", help="only this effect (eN from `show`, or its key)")
    _decision_options(confirm)
    confirm.set_defaults(func=_decide, action="confirm")

    correct = verbs.add_parser("correct", help="correct one value of a paper or of one effect",
                               description=CURATION_FIELDS_HELP)
    correct.add_argument("pmid")
    correct.add_argument("--field", required=True, help="the field to correct (see above)")
    correct.add_argument("--value", required=True, help="the right value ('' clears an effect value)")
    correct.add_argument("--effect", default=None, metavar="KEY", help="an effect field (eN from `show`, or its key)")
    _decision_options(correct)
    correct.set_defaults(func=_decide, action="correct")

    reject = verbs.add_parser("reject", help="reject a paper (not a trial, off topic, duplicate) or one effect")
    reject.add_argument("pmid")
    reject.add_argument("--why", choices=REJECT_WHYS, default=None, help="why the paper is rejected")
    reject.add_argument("--of", dest="of_pmid", default=None, metavar="PMID", help="with --why duplicate: the report it duplicates")
    reject.add_argument("--effect", default=None, metavar="KEY", help="reject only this effect (eN or its key)")
    _decision_options(reject)
    reject.set_defaults(func=_decide, action="reject")

    flag = verbs.add_parser("flag", help="confirm or dismiss a flag")
    flag.add_argument("flag_id", type=int)
    flag.add_argument("verdict", choices=tuple(VERDICTS))
    _decision_options(flag)
    flag.set_defaults(func=_decide, action="flag")

    export = verbs.add_parser("export-labels", help="write maintainers' decisions as labels (JSON lines)")
    _db_option(export)
    export.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    export.set_defaults(func=_export)


def _list(args: argparse.Namespace) -> int:
    from flows.triage_access import reading, uncertain_band
    from flows.triage_text import render_queue
    from warehouse.triage import load_queue

    band = uncertain_band(default_config())
    with reading(args.db) as con:
        entries = load_queue(con, band)
    sys.stdout.write(render_queue(entries))
    return 0


def _show(args: argparse.Namespace) -> int:
    from flows.triage_access import reading
    from flows.triage_text import render_paper
    from warehouse import triage as wt

    with reading(args.db) as con:
        paper = wt.paper_values(con, args.pmid)
        if paper is None:
            raise UserError(f"no paper with PMID {args.pmid} in the warehouse")
        text = render_paper(paper, wt.effects_of(con, args.pmid), wt.therapy_evidence(con, args.pmid),
                            wt.flags_naming(con, args.pmid), wt.decisions_of(con, args.pmid))
    sys.stdout.write(text)
    return 0


def _decide(args: argparse.Namespace) -> int:
    from flows.triage_service import DecisionRequest, decide, default_curator
    from flows.triage_text import render_outcome

    if args.action == "reject" and args.effect is None and args.why is None:
        raise UserError("rejecting a paper needs --why (not_a_trial, off_topic or duplicate)")
    if args.action == "reject" and args.effect is not None and (args.why or args.of_pmid):
        raise UserError("--why and --of apply to a paper, not to one effect")
    request = DecisionRequest(
        action=args.action, reason=args.reason, curator=args.curator or default_curator(),
        pmid=getattr(args, "pmid", None), effect_key=getattr(args, "effect", None),
        field=getattr(args, "field", None), value=getattr(args, "value", None), why=getattr(args, "why", None),
        of_pmid=getattr(args, "of_pmid", None), flag_id=getattr(args, "flag_id", None),
        verdict=VERDICTS.get(getattr(args, "verdict", None) or ""), via="cli")
    try:
        outcome = decide(args.db, request)
    except CurationError as exc:
        raise UserError(str(exc)) from None
    sys.stdout.write(render_outcome(outcome))
    return 0


def _export(args: argparse.Namespace) -> int:
    from flows.triage_access import reading
    from warehouse.labels import curated_labels

    with reading(args.db) as con:
        labels = curated_labels(con)
    lines = [json.dumps({"pmid": l.pmid, "is_rct": l.is_rct, "design": l.design, "topic": l.topic,
                         "duplicate_of": l.duplicate_of, "curator": l.curator,
                         "decided_at": l.decided_at.isoformat(), "decision_ids": list(l.decision_ids),
                         "text": l.text}, ensure_ascii=False) for l in labels]
    body = "".join(line + "\n" for line in lines)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(body, encoding="utf-8")
        n_rct = sum(1 for l in labels if l.is_rct is not None)
        print(f"wrote {len(labels)} labels ({n_rct} with an RCT label) to {args.out}")
    else:
        sys.stdout.write(body)
    return 0
