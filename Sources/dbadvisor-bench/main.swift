print("dbadvisor-bench")
