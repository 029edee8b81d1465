import httpx


def main() -> None:
    print("billing run", httpx.__version__)


main()
