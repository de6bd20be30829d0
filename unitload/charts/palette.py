"""The colours of every chart, on the pages and in the pack: the Okabe-Ito set, which readers with any
of the common colour-vision deficiencies can tell apart. A colour never carries a status alone: bars,
points and spans are labelled in words as well.
"""

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"  # bluish green
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"  # reddish purple
GREY = "#767676"  # 4.5:1 on white: also readable as text
LIGHT_GREY = "#C8C8C8"

# roles
OVER = VERMILLION  # overloaded, very high risk, urgent
PART_TIME = ORANGE
NORMAL = BLUE
MUTED = GREY
SCENARIO = BLUE
SERIES = (BLUE, ORANGE, GREEN, PURPLE, SKY_BLUE, VERMILLION, YELLOW, BLACK)  # lines and groups, in order
