"""A linear LangGraph workflow of N no-op steps with its SQLite checkpointer, each step's state
saved before the next (durability="sync"): the peer of `kijko run` on a linear no-op workflow in
`scripts/bench pipeline`. Usage: langgraph_linear.py STEPS DB"""
import sqlite3
import sys
import uuid
from typing import TypedDict

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph


class State(TypedDict):
    n: int


def step(state: State) -> dict:
    return {"n": state["n"] + 1}


def main() -> None:
    steps, db = int(sys.argv[1]), sys.argv[2]
    graph = StateGraph(State)
    previous = START
    for i in range(steps):
        name = f"s{i:03d}"
        graph.add_node(name, step)
        graph.add_edge(previous, name)
        previous = name
    graph.add_edge(previous, END)
    connection = sqlite3.connect(db, check_same_thread=False)
    app = graph.compile(checkpointer=SqliteSaver(connection))
    config = {"configurable": {"thread_id": str(uuid.uuid4())}, "recursion_limit": steps + 10}
    out = app.invoke({"n": 0}, config, durability="sync")
    assert out["n"] == steps, out


if __name__ == "__main__":
    main()
