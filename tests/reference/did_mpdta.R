# The script whose published output (README.md of bcallaway11/did @ 0c4287f) is did_mpdta.json.
library(did)
data(mpdta)
out <- att_gt(yname = "lemp", gname = "first.treat", idname = "countyreal", tname = "year",
              xformla = ~1, data = mpdta, est_method = "reg")
summary(out)
summary(aggte(out, type = "dynamic"))
summary(aggte(out, type = "group"))
summary(aggte(out, type = "simple"))
summary(aggte(out, type = "calendar"))
