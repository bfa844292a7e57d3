"""Pages: the library of postmortems (URLs, links, taxonomies), sanitising, fragments, template
contexts, the Jinja environment, feeds and `index.json`."""
