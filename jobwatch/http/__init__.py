"""HTTP for jobwatch: one httpx.AsyncClient per run over an h11 keep-alive pool (or httpx's
own transport behind a proxy) in `client` and `pool`, capped bodies in `body`, and answers
mapped to jobwatch errors in `responses` (which imports no httpx: providers read answers with
it without paying for the HTTP stack at start-up)."""
