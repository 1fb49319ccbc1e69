print("regkeeper")
