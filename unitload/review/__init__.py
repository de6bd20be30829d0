"""The monthly review in words: `headline` (the headline figures), `reasons` (the attention list's reasons),
`definitions` (every definition worded with the settings) and `pack` (the monthly pack).
"""
