import numpy as np

print("price", np.round(9.99 * 1.2, 2))
