/// The dashboard's style sheet and script, served from the binary (no build step).
enum Assets {
    static let css = """
    :root{--ink:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;--ok:#12805c;--bad:#c4320a;--run:#175cd3;--wait:#b54708;--accent:#3538cd}
    *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
    a{color:var(--accent)}header{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:center;padding:.7rem 1.2rem;background:#101828;color:#fff}
    header a{color:#d0d5dd;text-decoration:none}header a.here{color:#fff;font-weight:600}header .brand{font-weight:700;color:#fff;margin-right:.6rem}
    header .who{margin-left:auto;color:#98a2b3;font-size:.9rem}header form{display:inline}header button{background:none;border:0;color:#d0d5dd;cursor:pointer;font:inherit}
    main{max-width:1180px;margin:0 auto;padding:1.2rem}h1{font-size:1.45rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.4rem 0 .6rem}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
    .card{display:block;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem;color:inherit;text-decoration:none}
    a.card:hover{border-color:var(--accent);box-shadow:0 2px 10px #3538cd22}.card h3{margin:0 0 .3rem;font-size:1.1rem}
    .muted{color:var(--muted)}.small{font-size:.85rem}.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
    .badge{display:inline-block;padding:.05rem .55rem;border-radius:99px;font-size:.8rem;font-weight:600;background:#eef0f3;color:#344054;white-space:nowrap}
    .badge.ok{background:#ecfdf3;color:var(--ok)}.badge.bad{background:#fef3f2;color:var(--bad)}.badge.run{background:#eff8ff;color:var(--run)}.badge.wait{background:#fffaeb;color:var(--wait)}
    table{border-collapse:collapse;width:100%;background:var(--card)}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
    th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}.num{text-align:right;font-variant-numeric:tabular-nums}
    .steps{display:flex;flex-direction:column;gap:.5rem}.step{background:var(--card);border:1px solid var(--line);border-left:4px solid #d0d5dd;border-radius:8px;padding:.6rem .8rem}
    .step.ok{border-left-color:var(--ok)}.step.bad{border-left-color:var(--bad)}.step.run{border-left-color:var(--run)}.step.wait{border-left-color:var(--wait)}
    .step .head{display:flex;flex-wrap:wrap;gap:.4rem .9rem;align-items:baseline}.step .name{font-weight:600}
    .bar{height:6px;background:#eaecf0;border-radius:3px;overflow:hidden;margin:.4rem 0 .1rem}.bar i{display:block;height:100%;background:var(--run);width:0;transition:width .3s}
    .previews{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.7rem;margin-top:.5rem;align-items:start}.files{margin-top:.3rem}
    .preview{border:1px solid var(--line);border-radius:6px;padding:.5rem .8rem;background:#fcfcfd;overflow:auto;max-height:340px}
    .preview.wide{grid-column:1/-1}.preview.media{max-height:none}.preview img{max-width:100%;display:block}.preview iframe{width:100%;height:380px;border:0;background:#fff}
    .doc h2,.doc h3{font-size:1rem;margin:.7rem 0 .3rem}.doc table{font-size:.85rem}.doc pre{white-space:pre-wrap}
    .player{position:relative;display:inline-block;max-width:100%}.player video{max-width:100%;max-height:360px;display:block;background:#000}
    .safe{position:absolute;inset:0;pointer-events:none;display:none}.safe.on{display:block}
    .safe .action{position:absolute;inset:3.5%;border:1px dashed #fdb022}.safe .title{position:absolute;inset:5%;border:1px dashed #32d583}
    .safe .ui-top{position:absolute;left:0;right:0;top:0;height:12%;background:#f0443833}.safe .ui-bottom{position:absolute;left:0;right:0;bottom:0;height:20%;background:#f0443833}
    form.stack{display:flex;flex-direction:column;gap:.7rem;max-width:720px}label{font-weight:600;font-size:.9rem}
    input[type=text],input[type=password],input[type=number],textarea{width:100%;padding:.55rem .6rem;border:1px solid #d0d5dd;border-radius:7px;font:inherit;background:#fff}
    textarea{min-height:11rem}button,.button{display:inline-block;padding:.55rem 1.1rem;border-radius:7px;border:1px solid var(--accent);background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
    button.secondary{background:#fff;color:var(--accent)}button.danger{background:var(--bad);border-color:var(--bad)}
    .sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.side{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.8rem;min-width:0;overflow:auto}
    .note{background:#fffaeb;border:1px solid #fedf89;border-radius:7px;padding:.6rem .8rem;margin:.6rem 0}.error{background:#fef3f2;border-color:#fecdca}
    .kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .9rem}.kv dt{color:var(--muted)}.kv dd{margin:0}
    pre.json{white-space:pre-wrap;font-size:.82rem;background:#f9fafb;padding:.6rem;border-radius:6px}
    .chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
    @media (max-width:700px){.sides{grid-template-columns:1fr}main{padding:.7rem}header{padding:.6rem .7rem}.hide-narrow{display:none}th,td{padding:.35rem}}
    """

    /// The live parts: the job page follows its events; a brief file is read into the form.
    static let js = """
    (function(){
      const job=document.body.dataset.job;
      if(job&&window.EventSource){
        let timer=null;
        const refresh=()=>{clearTimeout(timer);timer=setTimeout(async()=>{
          const r=await fetch('/jobs/'+job+'?part=live',{credentials:'same-origin'});
          if(r.ok){const box=document.getElementById('live');if(box){box.innerHTML=await r.text();}}
        },150);};
        const source=new EventSource('/api/production/'+job+'/events');
        ['snapshot','step.started','step.completed','step.failed','step.state','approval.requested','approval.decided','job.state'].forEach(n=>source.addEventListener(n,refresh));
        source.addEventListener('step.progress',e=>{
          const d=JSON.parse(e.data);const row=document.querySelector('[data-testid="step-'+d.step+'"]');if(!row)return;
          let bar=row.querySelector('.bar i');if(!bar){const b=document.createElement('div');b.className='bar';b.innerHTML='<i></i>';row.appendChild(b);bar=b.firstChild;}
          if(d.fraction!=null){bar.style.width=Math.round(d.fraction*100)+'%';const t=row.querySelector('.pct');if(t)t.textContent=Math.round(d.fraction*100)+'%';}
        });
      }
      // (Listened for on the document: the live part's elements are replaced as events come.)
      document.addEventListener('change',e=>{
        const input=e.target;
        if(input.dataset.into&&input.files){const f=input.files[0];if(!f)return;const r=new FileReader();r.onload=()=>{document.getElementById(input.dataset.into).value=r.result;};r.readAsText(f);}
        if(input.dataset.safe){const o=document.getElementById(input.dataset.safe);if(o)o.classList.toggle('on',input.checked);}
      });
    })();
    """
}
