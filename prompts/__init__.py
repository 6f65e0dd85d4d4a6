"""Prompt templates stored as YAML data files, loaded into LangChain prompts.

A template file holds a ``description``, the ``input_variables`` it needs, and
either ``system``/``human`` messages (with optional few-shot ``examples``, each
a ``human``/``ai`` pair) or a plain ``text``. Users can point
``settings.prompts.directory`` at a folder of their own files, which is searched
before the bundled ones.

What lives here: the loader (:mod:`prompts._loader`) and the YAML templates
(``templates/``). May import: LangChain's prompt types and PyYAML only, never
``rag`` or ``ingest``.

Example:
    >>> from prompts import load_chat_prompt
    >>> prompt = load_chat_prompt("grounded_qa")
    >>> sorted(prompt.input_variables)
    ['context', 'not_found', 'question']
"""

from __future__ import annotations

from prompts._loader import (
    PromptTemplateError,
    TemplateSpec,
    available_templates,
    load_chat_prompt,
    load_spec,
    load_text,
)

__all__ = [
    "PromptTemplateError",
    "TemplateSpec",
    "available_templates",
    "load_chat_prompt",
    "load_spec",
    "load_text",
]
