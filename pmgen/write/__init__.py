"""Write: the site on disk (whole or incremental, always swapped in atomically) and its search
index."""
