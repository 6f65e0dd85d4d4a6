"""Memory stays bounded over 1,000 questions through the web app's backend.

The real index, embedding model, retrieval, prompts and per-question chain
building of the app; the LLM is a fake that answers at once (the real one is
measured in ``bench/memory_bench.py``). Resident memory after 1,000 questions
must not exceed what it was after a 200-question warm-up by more than a small
allowance, which a leak of a few tens of KB per question would break.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models import FakeListChatModel

from rag.ui.backend import UIBackend

pytestmark = pytest.mark.slow

QUESTIONS = 1000
WARM_UP = 200
ALLOWANCE_MB = 25.0


class EchoingFakeLLM(FakeListChatModel):
    """Rewrites a follow-up to itself (the condense step); streams a fixed answer."""

    def _call(self, messages, stop=None, run_manager=None, **kwargs):  # noqa: ANN001, ANN003
        return str(messages[-1].content).rsplit("Last question:", 1)[-1].strip()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def test_memory_is_flat_over_a_thousand_questions(settings, index) -> None:
    from langchain_core.documents import Document

    from ingest import ingest_documents

    docs = [Document(page_content=f"Station {n} of the Quenta railway has {n + 2} platforms "
                     f"and a clock tower built in {1850 + n}.", metadata={"source": f"s{n}"})
            for n in range(60)]
    ingest_documents(docs, index=index)
    llm = EchoingFakeLLM(responses=["The station has platforms and a clock tower [1]."])
    backend = UIBackend(settings, index=index, llm=llm)
    history: list[dict[str, str]] = []
    marks = {}
    for n in range(QUESTIONS):
        question = f"How many platforms does station {n % 60} have?"
        *_, answer = backend.ask(question, history[-6:], collection=index.collection)
        assert answer.sources, question
        history += [{"role": "user", "content": question},
                    {"role": "assistant", "content": answer.text}]
        if n + 1 in (WARM_UP, QUESTIONS):
            marks[n + 1] = rss_mb()
    growth = marks[QUESTIONS] - marks[WARM_UP]
    print(f"\nRSS after {WARM_UP}: {marks[WARM_UP]:.1f} MB, after {QUESTIONS}: "
          f"{marks[QUESTIONS]:.1f} MB (+{growth:.1f} MB)")
    assert growth < ALLOWANCE_MB
