#!/usr/bin/env bash
# Builds the synthetic example cases in cases/ by running the real commands in a scratch repository
# sealed from its first commit, with the clock fixed (BTI_NOW) and the acting person set per step
# (GIT_AUTHOR_EMAIL), then pushes it to a bare server with bti's pre-receive hook.
# Everyone here is invented; every national id is synthetic (month + 80).
# It writes: cases/*.yaml and people.yaml (the project is itself a case repository), the server's
# public key into bti.yaml, examples/fjordvik.bundle (the example repository with its history),
# and examples/keys/ (the invented people's and the server's keys: demo keys, never for real use).
# Usage: scripts/make-examples.sh   (from the project root, with bti installed)
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export GIT_COMMITTER_NAME="bti eksempel" GIT_COMMITTER_EMAIL="eksempel@fjordvik.example"
# Every invented person has an ed25519 key of their own (made here, kept in examples/keys/) and
# signs each commit they make with it, as `bti key init` sets up on a real machine; the same key
# opens the cases they may read.
keys="$work/keys"
mkdir -p "$keys"
key() { [ -f "$keys/$1" ] || ssh-keygen -q -t ed25519 -N "" -C "$1" -f "$keys/$1"; }
as() {
  key "$1"
  export GIT_AUTHOR_EMAIL="$1" GIT_AUTHOR_NAME="$1" BTI_NOW="$2" GIT_CONFIG_COUNT=3 \
    GIT_CONFIG_KEY_0=gpg.format GIT_CONFIG_VALUE_0=ssh \
    GIT_CONFIG_KEY_1=user.signingkey GIT_CONFIG_VALUE_1="$keys/$1" \
    GIT_CONFIG_KEY_2=commit.gpgsign GIT_CONFIG_VALUE_2=true
}
person() { key "$1"; bti person add "$@" --key "$(cat "$keys/$1.pub")" >/dev/null; }
new() { bti case new "$@" | tail -n 1; }

# The municipality's server: a bare repository with the pre-receive hook and the server's key.
git init -q --bare -b main server.git
bti hooks install --server server.git >/dev/null
git clone -q server.git repo 2>/dev/null

as kari.leder@fjordvik.example 2026-08-03T09:00:00+02:00
bti init repo --municipality "Fjordvik kommune" --lang nb \
  --server-key "$work/server.git/bti/server_ed25519.pub" >/dev/null
cd repo
person kari.leder@fjordvik.example --name "Kari Fjellstad" --service skole --role leader,holder,reviewer
person ingrid.lerer@fjordvik.example --name "Ingrid Strandli" --service skole --role holder
person nils.helse@fjordvik.example --name "Nils Bakkevik" --service helsestasjon --role holder
person siri.ppt@fjordvik.example --name "Siri Haugnes" --service ppt --role holder,coordinator
person tor.barnevern@fjordvik.example --name "Tor Lyngmo" --service barnevern --role holder
person eva.barnehage@fjordvik.example --name "Eva Solbakk" --service barnehage --role holder,leader
person jon.nav@fjordvik.example --name "Jon Elvebakk" --service nav --role holder

# 1. Level 0: a concern in the kindergarten, being clarified.
as eva.barnehage@fjordvik.example 2026-10-05T10:15:00+02:00
c1=$(new --service barnehage --name "Lilje Brennhaug" --born 2022-05-14 --concern "Lite språk og trekker seg fra lek i gruppen de siste ukene.")
as eva.barnehage@fjordvik.example 2026-10-06T14:00:00+02:00
bti guardian add "$c1" --name "Randi Brennhaug" --relation mor >/dev/null
bti log add "$c1" "Drøftet anonymt med styrer. Avtalt samtale med mor neste uke." >/dev/null

# 2. Level 1: measures inside the school, with the guardians' consent.
as ingrid.lerer@fjordvik.example 2026-09-01T08:30:00+02:00
c2=$(new --service skole --name "Emil Skogvang" --born 2017-02-09 --national-id 09821750056 --concern "Mye fravær mandager og sliten i timene.")
bti guardian add "$c2" --name "Hanne Skogvang" --relation mor >/dev/null
bti guardian add "$c2" --name "Petter Skogvang" --relation far >/dev/null
as ingrid.lerer@fjordvik.example 2026-09-08T15:00:00+02:00
bti consent add "$c2" --given-by "Hanne Skogvang,Petter Skogvang" --services skole --purpose "Tiltak i skolen for bedre oppmøte" --expires 2027-06-30 >/dev/null
bti level set "$c2" 1 --reason "Foresatte ønsker tiltak i skolen" --step 2 >/dev/null
bti measure add "$c2" "Fast morgenmøte med kontaktlærer hver mandag" --responsible ingrid.lerer@fjordvik.example --service skole --evaluate-by 2026-12-04 >/dev/null
bti log add "$c2" "Emil sier at mandagene er tunge fordi han er mye hos far i helgene." --kind voice >/dev/null

# 3. Level 2: school and health station, an evaluation with the child's voice, a handover.
as ingrid.lerer@fjordvik.example 2026-08-24T09:00:00+02:00
c3=$(new --service skole --name "Mathea Lund" --born 2014-11-30 --national-id 30911450042 --concern "Har gått ned i vekt og spiser lite i skolen.")
bti guardian add "$c3" --name "Anders Lund" --relation far >/dev/null
as ingrid.lerer@fjordvik.example 2026-08-31T12:00:00+02:00
bti consent add "$c3" --given-by "Anders Lund" --services skole,helsestasjon --purpose "Samarbeid mellom skole og skolehelsetjeneste om helse og trivsel" --expires 2027-08-31 >/dev/null
bti level set "$c3" 1 --reason "Far samtykker til samarbeid" >/dev/null
bti service add "$c3" helsestasjon >/dev/null
bti level set "$c3" 2 --reason "Skolehelsetjenesten følger opp vekt og kosthold" >/dev/null
bti measure add "$c3" "Samtaler med helsesykepleier annenhver uke" --responsible nils.helse@fjordvik.example --service helsestasjon --evaluate-by 2026-10-30 >/dev/null
bti measure add "$c3" "Tilrettelagt lunsj med voksen til stede" --responsible ingrid.lerer@fjordvik.example --service skole --evaluate-by 2026-10-30 >/dev/null
as nils.helse@fjordvik.example 2026-10-28T13:00:00+01:00
bti measure evaluate "$c3" m1 --outcome continue --next-by 2026-12-18 --note "Vekten er stabil; samtalene fortsetter ut semesteret." --voice "Det er fint å ha noen å prate med som ikke er lærer." >/dev/null
as ingrid.lerer@fjordvik.example 2026-10-29T09:00:00+01:00
bti measure evaluate "$c3" m2 --outcome end --note "Spiser nå sammen med klassen uten tilrettelegging." --voice "Jeg vil spise med de andre." >/dev/null
bti handover offer "$c3" --to nils.helse@fjordvik.example --reason "Helsesykepleier har nå tettest kontakt" >/dev/null
as nils.helse@fjordvik.example 2026-10-30T08:45:00+01:00
bti handover accept "$c3" >/dev/null

# 4. Level 3: a youth with school, PPT, child welfare and BUP (external).
as siri.ppt@fjordvik.example 2026-03-02T10:00:00+01:00
c4=$(new --service ppt --kind youth --name "Jonas Vikheim" --born 2011-06-21 --concern "Store lærevansker og konflikter hjemme; foresatte ber om hjelp.")
bti guardian add "$c4" --name "Line Vikheim" --relation mor >/dev/null
bti guardian add "$c4" --name "Ole Vikheim" --relation far --no-responsibility >/dev/null
as siri.ppt@fjordvik.example 2026-03-09T11:00:00+01:00
bti consent add "$c4" --given-by "Line Vikheim" --services ppt,skole,barnevern,bup --purpose "Ansvarsgruppe rundt Jonas" --expires 2027-03-09 >/dev/null
bti level set "$c4" 1 --reason "Samtykke fra mor" >/dev/null
bti service add "$c4" skole >/dev/null
bti service add "$c4" barnevern >/dev/null
bti service add "$c4" bup >/dev/null
bti level set "$c4" 3 --reason "Omfattende samarbeid; ansvarsgruppe opprettes" --step 1 >/dev/null
bti measure add "$c4" "Sakkyndig vurdering og tilrettelagt opplæring" --responsible siri.ppt@fjordvik.example --service ppt --evaluate-by 2026-06-15 >/dev/null
bti measure add "$c4" "Foreldreveiledning (hjelpetiltak)" --responsible tor.barnevern@fjordvik.example --service barnevern --evaluate-by 2026-09-15 >/dev/null
as siri.ppt@fjordvik.example 2026-06-12T09:00:00+02:00
bti measure evaluate "$c4" m1 --outcome adjust --next-by 2026-12-11 --note "Vurderingen er ferdig; opplæringen justeres fra høsten." --voice "Jeg vil ha mer praktisk arbeid og færre prøver." >/dev/null
bti measure add "$c4" "Praktisk opplæring to dager i uken" --responsible kari.leder@fjordvik.example --service skole --evaluate-by 2026-12-11 >/dev/null

# 5. A youth of 16 who consents herself (skolehelsetjenesten and psychiatry).
as nils.helse@fjordvik.example 2026-09-14T12:30:00+02:00
c5=$(new --service helsestasjon --kind youth --name "Sara Myrvold" --born 2010-04-03 --national-id 03841050095 --concern "Forteller om søvnproblemer og mye uro; ønsker ikke at foreldrene involveres nå.")
bti consent add "$c5" --given-by subject --services helsestasjon,psykisk-helse --purpose "Oppfølging av søvn og psykisk helse" --expires 2027-09-14 >/dev/null
bti level set "$c5" 1 --reason "Sara samtykker selv (over 15 år)" >/dev/null
bti service add "$c5" psykisk-helse >/dev/null
bti level set "$c5" 2 --reason "Samarbeid med psykisk helse og rus" >/dev/null
bti measure add "$c5" "Samtaler i psykisk helsetjeneste for barn og unge" --responsible nils.helse@fjordvik.example --service psykisk-helse --evaluate-by 2026-12-14 >/dev/null
bti log add "$c5" "Sara ønsker å fortelle foreldrene selv når hun er klar." --kind voice >/dev/null

# 6. A pregnant woman: health station (jordmor) and NAV, her own consent.
as nils.helse@fjordvik.example 2026-07-06T10:00:00+02:00
c6=$(new --service helsestasjon --kind pregnant --name "Aisha Nordvik" --born 2004-01-19 --national-id 19810450056 --concern "Gravid i uke 20, usikker bosituasjon og lite nettverk.")
bti consent add "$c6" --given-by subject --services helsestasjon,nav --purpose "Samarbeid om bolig og oppfølging i svangerskapet" --expires 2027-07-06 >/dev/null
bti level set "$c6" 1 --reason "Aisha samtykker til samarbeid" >/dev/null
bti service add "$c6" nav >/dev/null
bti level set "$c6" 2 --reason "NAV bistår med bolig" >/dev/null
bti measure add "$c6" "Søknad om kommunal bolig" --responsible jon.nav@fjordvik.example --service nav --evaluate-by 2026-09-30 >/dev/null
as jon.nav@fjordvik.example 2026-09-29T14:00:00+02:00
bti measure evaluate "$c6" m1 --outcome end --note "Bolig er tildelt fra 1. oktober." >/dev/null

# 7. A closed case: the measures worked.
as eva.barnehage@fjordvik.example 2026-01-12T09:00:00+01:00
c7=$(new --service barnehage --name "Oskar Lien" --born 2021-08-02 --concern "Mye gråt ved levering og vansker med å falle til ro.")
bti guardian add "$c7" --name "Maria Lien" --relation mor >/dev/null
bti consent add "$c7" --given-by "Maria Lien" --services barnehage --purpose "Tiltak i barnehagen" --expires 2026-12-31 >/dev/null
bti level set "$c7" 1 --reason "Mor ønsker tiltak i barnehagen" >/dev/null
bti measure add "$c7" "Fast primærkontakt ved levering" --responsible eva.barnehage@fjordvik.example --service barnehage --evaluate-by 2026-03-13 >/dev/null
as eva.barnehage@fjordvik.example 2026-03-12T15:00:00+01:00
bti measure evaluate "$c7" m1 --outcome end --note "Leveringen går fint; Oskar finner raskt roen." >/dev/null
bti case close "$c7" --reason "Målene er nådd; mor er enig i å avslutte." >/dev/null

# 8. A withdrawn consent: the case goes back to level 0.
as ingrid.lerer@fjordvik.example 2026-04-20T10:00:00+02:00
c8=$(new --service skole --name "Vilde Aune" --born 2013-12-05 --concern "Blir holdt utenfor i friminuttene.")
bti guardian add "$c8" --name "Kristin Aune" --relation mor >/dev/null
bti consent add "$c8" --given-by "Kristin Aune" --services skole,helsestasjon --purpose "Samarbeid om trivsel" --expires 2027-04-20 >/dev/null
bti level set "$c8" 1 --reason "Mor samtykker" >/dev/null
bti service add "$c8" helsestasjon >/dev/null
bti level set "$c8" 2 --reason "Helsesykepleier har samtalegruppe" >/dev/null
as ingrid.lerer@fjordvik.example 2026-05-11T13:00:00+02:00
bti consent withdraw "$c8" c1 --reason "Mor ønsker at skolen håndterer dette alene" >/dev/null

unset BTI_NOW
git push -q origin main  # the server judges every commit, opening each case with its key
server_key="$work/server.git/bti/server_ed25519"
BTI_KEY_FILE="$server_key" bti validate
# Every commit signed by its author's registered key, every rule kept, every case opened.
BTI_KEY_FILE="$server_key" bti audit verify >/dev/null
rm -f "$project"/cases/*.yaml
cp cases/*.yaml "$project/cases/"
cp people.yaml "$project/"
# The project's own bti.yaml stays (it also allows bti's source files): only its server key changes.
public=$(cat "$server_key.pub")
python3 - "$project/bti.yaml" "$public" <<'PY'
import re, sys
path, key = sys.argv[1], sys.argv[2].split()[:2]
text = open(path, encoding="utf-8").read()
text = re.sub(r"^(sealing|server_key):.*\n", "", text, flags=re.M)
text = re.sub(r"^(language: .*\n)", r"\1sealing: on\nserver_key: " + " ".join(key) + "\n", text, flags=re.M)
open(path, "w", encoding="utf-8").write(text)
PY
mkdir -p "$project/examples/keys"
rm -f "$project"/examples/keys/* "$project/examples/fjordvik.bundle"
cp "$keys"/* "$project/examples/keys/"
cp "$server_key" "$project/examples/keys/server"
cp "$server_key.pub" "$project/examples/keys/server.pub"
git bundle create -q "$project/examples/fjordvik.bundle" main
echo "wrote $(ls cases/*.yaml | wc -l) sealed example cases to $project/cases/, the example repository"
echo "  to $project/examples/fjordvik.bundle and its demo keys to $project/examples/keys/"
