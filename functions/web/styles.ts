/** The pages' stylesheet (inline, hashed into the Content-Security-Policy). Colours meet WCAG AA contrast. */
export const STYLES = `
:root{--fg:#1b1f24;--muted:#4f5761;--bg:#f4f5f7;--card:#fff;--line:#d6dae0;--accent:#1a4fd6;--accent-fg:#fff;
--hot:#a4161a;--warm:#8a4600;--cold:#1f4e79;--ok:#1d6b34;--err:#a4161a;--focus:#1a4fd6;
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem;z-index:10}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{display:flex;align-items:center;gap:1.5rem;padding:.6rem 1.2rem;background:#14213d;color:#fff}
.top a{color:#fff;text-decoration:none;font-weight:600}
.top a[aria-current]{text-decoration:underline;text-underline-offset:4px}
.top nav{display:flex;gap:1rem}
.brand{font-weight:700;letter-spacing:.01em}
#whoami{margin-left:auto;display:flex;gap:.8rem;align-items:center}
#whoami .link{color:#fff;border-color:#fff;background:transparent}
#status{min-height:1.6rem;padding:.3rem 1.2rem;font-weight:600}
#status[data-kind=error]{color:var(--err)}
#status[data-kind=ok]{color:var(--ok)}
main{padding:0 1.2rem 2rem}
h1{font-size:1.3rem;margin:.4rem 0 .8rem}
h2{font-size:1.2rem;margin:0 0 .4rem}
h3{font-size:1.05rem;margin:0 0 .6rem;display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
h4{font-size:.95rem;margin:.2rem 0;display:flex;justify-content:space-between}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.muted{color:var(--muted)}
.small{font-size:.85rem;font-weight:400}
button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #8a939e;background:#fff;color:var(--fg);cursor:pointer}
button:hover{background:#eef1f5}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg);font-weight:600}
button.primary:hover{background:#143fae}
button.danger{background:var(--err);border-color:var(--err);color:#fff}
button:disabled{opacity:.6;cursor:progress}
label{display:block;font-weight:600;margin:.7rem 0 .25rem}
input[type=text],textarea,select{font:inherit;width:100%;padding:.45rem .55rem;border:1px solid #8a939e;border-radius:6px;background:#fff;color:var(--fg)}
textarea{resize:vertical}
input[readonly],textarea[readonly]{background:#f0f2f5}
[aria-invalid=true]{border-color:var(--err);box-shadow:0 0 0 1px var(--err)}
.field-error{color:var(--err);margin:.25rem 0;font-weight:600}
.pre{white-space:pre-wrap}
.actions{display:flex;gap:.6rem;margin-top:.8rem;flex-wrap:wrap}
.people{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.5rem}
.person{width:100%;display:flex;justify-content:space-between;text-align:left}
.person-role{color:var(--muted)}
.inbox{display:grid;grid-template-columns:minmax(18rem,25rem) minmax(0,1fr);gap:1.2rem;align-items:start}
@media (max-width:900px){.inbox{grid-template-columns:minmax(0,1fr)}}
.leads{list-style:none;padding:0;margin:0 0 .8rem;display:flex;flex-direction:column;gap:.5rem}
.lead-link{display:flex;flex-direction:column;gap:.3rem;padding:.65rem .8rem;border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg);text-decoration:none}
.lead-link:hover{border-color:#8a939e}
.lead-link[aria-current]{border-color:var(--accent);box-shadow:inset 4px 0 0 var(--accent)}
.row1,.row3{display:flex;align-items:center;gap:.5rem}
.who{font-weight:600;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.total{font-weight:700;font-variant-numeric:tabular-nums}
.subject{color:var(--muted);font-size:.9rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;display:block}
.row3{font-size:.85rem;justify-content:space-between}
.mini{display:flex;gap:.6rem;font-variant-numeric:tabular-nums}
.mini-axis,.flag{white-space:nowrap}
.mini abbr{text-decoration:none;font-weight:700}
.flag{color:var(--hot);font-weight:600}
.sla{font-weight:600;white-space:nowrap}
.sla[data-state=soon]{color:var(--warm)}
.sla[data-state=overdue]{color:var(--hot)}
.empty{padding:1rem;color:var(--muted)}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.78rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:#fff;background:#4f5761}
.tier-hot{background:var(--hot)}.tier-warm{background:var(--warm)}.tier-cold{background:var(--cold)}
.badge.alert-mark{background:#b3261e;margin-left:.4rem}.alert-note{border-left:4px solid #b3261e;padding:.2rem .6rem;margin:.3rem 0}
.by-llm{background:#5b2a86;text-transform:none}.by-template{background:#4f5761;text-transform:none}
.status-pending{background:var(--warm)}.status-sent{background:var(--ok)}.status-approved,.status-sending{background:var(--cold)}
.status-rejected,.status-failed{background:var(--err)}
.lead-head h2{font-size:1.35rem;margin:0}
.lead-head p{margin:.2rem 0 .8rem}
.lead-grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;align-items:start}
@media (max-width:1200px){.lead-grid{grid-template-columns:minmax(0,1fr)}}
.score-head{display:flex;align-items:center;gap:.6rem;flex-wrap:wrap;margin:0 0 .5rem}
.big{font-size:1.6rem}
.bant{display:flex;gap:.8rem;font-size:.9rem}
.bant .yes{color:var(--ok)}.bant .no{color:var(--muted)}
.axes{display:grid;gap:.8rem}
.axis meter{width:100%;height:.6rem}
.ledger{list-style:none;padding:0;margin:.3rem 0}
.ledger li{display:flex;gap:.6rem;padding:.15rem 0;font-size:.92rem}
.pts{min-width:2.6rem;text-align:right;font-weight:700;font-variant-numeric:tabular-nums}
.pos .pts{color:var(--ok)}.neg .pts{color:var(--hot)}.off{color:var(--muted)}
.observed,.note{color:var(--muted)}
details summary{cursor:pointer;color:var(--accent);font-weight:600;padding:.2rem 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
.facts dt{font-weight:600;color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.guard{margin-top:.7rem;padding:.5rem .8rem;border-radius:6px;border:1px solid}
.guard.warn{border-color:var(--warm)}.guard.fail{border-color:var(--err)}
.guard ul{margin:.3rem 0 0;padding-left:1.2rem}
.reject{margin-top:1rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.rules th label{margin:0}
.history .badge{margin-left:.5rem}
.tabs{display:flex;gap:.4rem;align-items:center;flex-wrap:wrap;margin:.4rem 0 .2rem}
.tabs a{padding:.35rem .7rem;border-radius:6px;border:1px solid var(--line);background:var(--card);text-decoration:none;font-weight:600}
.tabs a[aria-current]{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
.tabs .lang-switch{margin-left:auto}
button.link{background:transparent;border-color:transparent;color:var(--accent);text-decoration:underline;padding:.3rem .4rem}
.filters{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0 .6rem;margin:0 0 .8rem}
.filters .wide{grid-column:1/-1}
.filters label{margin:.4rem 0 .15rem;font-size:.85rem}
input[type=search],input[type=number]{font:inherit;width:100%;padding:.45rem .55rem;border:1px solid #8a939e;border-radius:6px;background:#fff;color:var(--fg)}
.owner{font-weight:600}
.row3{flex-wrap:wrap}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{display:grid;grid-template-columns:minmax(0,9.5rem) minmax(0,1fr);gap:.1rem .8rem;padding:.4rem 0;border-bottom:1px solid var(--line)}
.timeline time{color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums}
.timeline .tl-by{grid-column:2;font-size:.82rem}
.tl-text{overflow-wrap:anywhere}
.action-box{border-top:1px solid var(--line);padding:.3rem 0}
.action-box:first-of-type{border-top:0}
.action .field label{margin:.5rem 0 .2rem}
.rationale-lines{margin:.2rem 0 .6rem;padding-left:1.2rem}
.rationale-lines li{margin:.15rem 0}
.badge.lang{background:#3d4650}
.back{display:none;margin:0 0 .5rem;font-weight:600}
.loading{color:var(--muted);font-weight:600}
dialog.confirm{max-width:min(40rem,calc(100vw - 1.5rem));width:100%;border:1px solid var(--line);border-radius:8px;padding:1rem}
dialog.confirm::backdrop{background:rgba(20,33,61,.55)}
.mail-preview{border:1px solid var(--line);border-radius:6px;padding:.6rem;max-height:40vh;overflow:auto;background:#f8f9fb;overflow-wrap:anywhere}
.lead,.list{min-width:0}
@media (max-width:900px){
.inbox.has-lead .list{display:none}
.inbox:not(.has-lead) .lead{display:none}
.back{display:inline-block}
}
@media (max-width:600px){
main{padding:0 .6rem 1.5rem}
.top{flex-wrap:wrap;gap:.4rem 1rem;padding:.5rem .6rem}
#whoami{margin-left:0;flex-wrap:wrap;gap:.4rem}
#status{padding:.3rem .6rem}
.inbox{grid-template-columns:minmax(0,1fr)}
.lead-grid{grid-template-columns:minmax(0,1fr)}
.facts{grid-template-columns:minmax(0,1fr)}
.facts dd{margin-bottom:.3rem}
.timeline li{grid-template-columns:minmax(0,1fr)}
.timeline .tl-by{grid-column:1}
.card{padding:.75rem}
.people{grid-template-columns:minmax(0,1fr)}
th,td{padding:.35rem .3rem;overflow-wrap:anywhere}
select{min-width:6rem}
}
textarea.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;line-height:1.35}
ul.issues{padding-left:1.2rem}
.history td.actions button{margin:0 .4rem .3rem 0}
#config h3{margin-top:1.2rem}
.compare td.num,.compare th.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{width:100%;max-width:720px;height:auto;display:block;margin:.5rem 0}
.chart .tick{font-size:11px;fill:var(--muted)}.chart .axis{stroke:var(--line)}
.chart .s1{fill:#2f5fb3}.chart .s2{fill:#9db4dd}.chart .cold{fill:#5b7fa6}.chart .warm{fill:#b26b00}.chart .hot{fill:#b3261e}
.card.alarm{border-color:var(--err);border-width:2px}
.compare .better{color:var(--ok);font-weight:700}.compare .worse{color:var(--hot);font-weight:700}
`;
