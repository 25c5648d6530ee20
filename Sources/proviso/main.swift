print("proviso")
