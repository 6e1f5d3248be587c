"""Prompt files (Chinese) for the LLM answer mode; loaded as package data, never inlined in code."""
