"""`mockint eval-star`: score the STAR segmenter against a labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mockint.transcribe import DEFAULT_MODEL


@click.command("eval-star")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--split",
    type=click.Choice(["dev", "train", "all"]),
    default="dev",
    show_default=True,
    help="Which answers to score (dev is never trained on).",
)
@click.option(
    "--spoken",
    is_flag=True,
    help="Speak each answer with espeak-ng and transcribe it before segmenting.",
)
@click.option(
    "--rate",
    "rates",
    type=int,
    multiple=True,
    default=(150,),
    show_default=True,
    help="Speaking rates in words per minute for --spoken (repeat for several).",
)
@click.option(
    "--voice",
    "voices",
    type=click.Choice(["espeak", "piper"]),
    multiple=True,
    default=("espeak",),
    show_default=True,
    help="Voices for --spoken (repeat for both; piper needs mockint[voice]).",
)
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="Speech model for --spoken (as for analyze), to see how a larger recogniser helps.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N answers.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_star(
    corpus: tuple[Path, ...],
    split: str,
    spoken: bool,
    rates: tuple[int, ...],
    limit: int | None,
    as_json: bool,
    voices: tuple[str, ...],
    model: str,
) -> None:
    """Score the STAR segmenter on labelled answers (JSON Lines; the README shows the format).

    Prints word accuracy, per-phase F1 and the median and 90th-percentile boundary error
    in seconds, for all answers and for the hard cases (skipped phase, result first,
    rambling situation), beside a position-only baseline that cuts every answer in the
    proportions of the timing targets.
    """
    from mockint.corpus import load_corpus
    from mockint.errors import MockintError
    from mockint.star import segment
    from mockint.star_eval import (
        AnswerScore,
        is_hard_case,
        position_baseline,
        score_answer,
        summarize,
    )

    answers = [a for a in load_corpus(corpus) if split == "all" or a.split == split]
    if not answers:
        # Figures over no answers would read as a score; say what is missing instead.
        where = ", ".join(str(path) for path in corpus)
        raise MockintError(f"{where}: no answers in the {split} split (try --split all)")
    answers = answers[:limit] if limit else answers
    transcriber = None
    if spoken:
        from mockint.transcribe import load_transcriber

        transcriber = load_transcriber(model)
    results: dict[str, dict] = {}
    # Each condition is (voice, rate): text only, espeak at each rate, or Piper at its own pace.
    conditions: list[tuple[str | None, int | None]] = [(None, None)]
    if spoken:
        conditions = [
            (voice, rate) for voice in voices for rate in (rates if voice == "espeak" else (0,))
        ]
    for voice, rate in conditions:
        scored: dict[str, list[AnswerScore]] = {"segmenter": [], "position": []}
        hard: dict[str, list[AnswerScore]] = {"segmenter": [], "position": []}
        for answer in answers:
            if transcriber is not None and voice is not None:
                from mockint.star_eval_speech import spoken_answer

                words, gold = spoken_answer(answer, transcriber, rate or 150, voice)
            else:
                words, gold = answer.timed_words(), answer.gold
            if not words:
                continue
            for name, labels in (
                ("segmenter", segment(words).labels),
                ("position", position_baseline(words)),
            ):
                score = score_answer(words, gold, labels)
                scored[name].append(score)
                if is_hard_case(answer.hard):
                    hard[name].append(score)
        label = "text" if voice is None else f"{voice}@{rate}wpm" if rate else voice
        results[label] = {
            name: {
                "all": _as_dict(summarize(scored[name])),
                "hard": _as_dict(summarize(hard[name])),
            }
            for name in scored
        }
    if as_json:
        click.echo(json.dumps(results, indent=2))
        return
    noun = "answer" if len(answers) == 1 else "answers"
    for label, by_method in results.items():
        click.echo(f"{label}: {len(answers)} {noun} ({split})")
        for name, parts in by_method.items():
            for part, r in parts.items():
                if not r["answers"]:
                    click.echo(f"  {name:<9} {part:<4} (no answers{_why_none(part)})")
                    continue
                f1 = " ".join(f"{p}={v:.2f}" for p, v in r["f1"].items())
                click.echo(
                    f"  {name:<9} {part:<4} accuracy={r['accuracy']:.3f} "
                    f"median_boundary_s={r['median_boundary_s']:.1f} "
                    f"p90_boundary_s={r['p90_boundary_s']:.1f}  F1 {f1}"
                )


def _why_none(part: str) -> str:
    """Hard cases are found by their tags; name them, so a corpus written elsewhere can add
    the ones it means."""
    from mockint.star_eval import HARD_CASE_TAGS

    return f" tagged {', '.join(sorted(HARD_CASE_TAGS))}" if part == "hard" else ""


def _as_dict(report) -> dict:  # type: ignore[no-untyped-def]
    return {
        "answers": report.n_answers,
        "accuracy": round(report.accuracy, 4),
        "f1": {p: round(v, 4) for p, v in report.f1.items()},
        "median_boundary_s": round(report.median_boundary_s, 2),
        "p90_boundary_s": round(report.p90_boundary_s, 2),
    }
