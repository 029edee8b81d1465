import time

import requests

while True:
    r = requests.get("http://api:8000/health", timeout=5)
    print(r.status_code, flush=True)
    time.sleep(30)
