"""Read: from the bytes of a file to a `Postmortem` (files, front matter, Markdown, fields,
sections, timeline, actions, incident, chart specs)."""
