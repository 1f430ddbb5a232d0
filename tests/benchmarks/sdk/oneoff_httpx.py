"""The minimal httpx script: fetch one Firecrawl status URL and print the body."""

import sys

import httpx

url, key = sys.argv[1], sys.argv[2]
response = httpx.get(url, headers={"Authorization": f"Bearer {key}"})
print(response.text)
