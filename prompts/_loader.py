"""Finding, validating and loading the YAML prompt templates."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate

__all__ = [
    "BUNDLED_DIR",
    "STYLES",
    "PromptTemplateError",
    "TemplateSpec",
    "available_templates",
    "load_chat_prompt",
    "load_spec",
    "load_text",
]

BUNDLED_DIR = Path(__file__).with_name("templates")
STYLES = ("cited", "extract")


class PromptTemplateError(ValueError):
    """A template is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class TemplateSpec:
    """One template file, parsed."""

    name: str
    path: Path
    description: str
    input_variables: tuple[str, ...]
    system: str = ""
    human: str = ""
    text: str = ""
    examples: tuple[tuple[str, str], ...] = field(default=())
    style: str = "cited"
    """How the chain treats the answer: ``cited`` (the model writes ``[n]``
    itself) or ``extract`` (the model copies a short phrase; the chain finds
    the passage that holds it and cites that)."""


def _search_path(directory: Path | None) -> list[Path]:
    return [d for d in (directory, BUNDLED_DIR) if d is not None]


def available_templates(directory: Path | None = None) -> list[str]:
    """List the template names found in ``directory`` and the bundled folder.

    Args:
        directory: An optional folder of user templates.

    Returns:
        Sorted template names (file names without ``.yaml``).
    """
    names = {p.stem for d in _search_path(directory) for p in d.glob("*.yaml")}
    return sorted(names)


def load_spec(name: str, directory: Path | None = None) -> TemplateSpec:
    """Find and parse the template ``name``, user folder first.

    Args:
        name: The template name, e.g. ``"grounded_qa"``.
        directory: An optional folder of user templates.

    Returns:
        The parsed template.

    Raises:
        PromptTemplateError: When no such template exists or it is malformed.
    """
    for folder in _search_path(directory):
        path = folder / f"{name}.yaml"
        if path.is_file():
            return _parse(name, path, path.stat().st_mtime_ns)
    raise PromptTemplateError(
        f"no prompt template named {name!r}; available: "
        f"{', '.join(available_templates(directory))}"
    )


@functools.lru_cache(maxsize=64)
def _parse(name: str, path: Path, mtime_ns: int) -> TemplateSpec:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptTemplateError(f"cannot read prompt template {path}: {exc}") from exc
    if not isinstance(data, dict) or not data.get("description"):
        raise PromptTemplateError(f"{path}: a template needs a 'description'")
    if not (data.get("human") or data.get("text")):
        raise PromptTemplateError(f"{path}: a template needs 'human' or 'text'")
    examples = tuple((ex["human"].strip(), ex["ai"].strip()) for ex in data.get("examples") or [])
    style = str(data.get("style") or "cited")
    if style not in STYLES:
        raise PromptTemplateError(f"{path}: style must be one of {', '.join(STYLES)}")
    return TemplateSpec(
        name=name,
        path=path,
        description=" ".join(str(data["description"]).split()),
        input_variables=tuple(data.get("input_variables") or ()),
        system=(data.get("system") or "").strip(),
        human=(data.get("human") or "").strip(),
        text=(data.get("text") or "").strip(),
        examples=examples,
        style=style,
    )


def load_chat_prompt(name: str, directory: Path | None = None) -> ChatPromptTemplate:
    """Load a message template as a ``ChatPromptTemplate``.

    Few-shot examples become alternating human/AI messages between the system
    message and the final human message.

    Args:
        name: The template name.
        directory: An optional folder of user templates.

    Returns:
        The prompt; its input variables equal the file's ``input_variables``.

    Raises:
        PromptTemplateError: When the template is missing, has no ``human``
            message, or its placeholders differ from ``input_variables``.
    """
    spec = load_spec(name, directory)
    if not spec.human:
        raise PromptTemplateError(f"{spec.path}: {name!r} is a text template, not a chat one")
    messages: list[tuple[str, str]] = []
    if spec.system:
        messages.append(("system", spec.system))
    for human, ai in spec.examples:
        # Examples are literal text: escape braces so they are not placeholders.
        messages.append(("human", _escape(human)))
        messages.append(("ai", _escape(ai)))
    messages.append(("human", spec.human))
    prompt = ChatPromptTemplate.from_messages(messages)
    if set(prompt.input_variables) != set(spec.input_variables):
        raise PromptTemplateError(
            f"{spec.path}: placeholders {sorted(prompt.input_variables)} differ from "
            f"input_variables {sorted(spec.input_variables)}"
        )
    return prompt


def load_text(name: str, directory: Path | None = None) -> str:
    """Load a plain-text template such as ``not_found``.

    Args:
        name: The template name.
        directory: An optional folder of user templates.

    Returns:
        The template's text.

    Raises:
        PromptTemplateError: When it is missing or has no ``text``.
    """
    spec = load_spec(name, directory)
    if not spec.text:
        raise PromptTemplateError(f"{spec.path}: {name!r} has no 'text'")
    return spec.text


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")
