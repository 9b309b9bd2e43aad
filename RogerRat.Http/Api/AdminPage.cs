namespace RogerRat.Http.Api;

/// <summary>The admin dashboard (reference §9.1): one self-contained page, no CDN, no build step. It asks for the
/// admin token, keeps it in sessionStorage, polls <c>/api/stats</c> and <c>/api/admin/channels</c> every 5 s and
/// escapes every value it shows. It never shows message content (the API has none).</summary>
internal static class AdminPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>RogerRat admin</title>
        <style>
        body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:1rem;background:#f7f7f5;color:#222}
        h1{font-size:1.3rem;margin:0 0 1rem}
        .cards{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}
        .card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem .8rem;min-width:7rem}
        .card b{display:block;font-size:1.3rem}
        .wrap{overflow-x:auto}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{border-bottom:1px solid #eee;padding:.4rem;text-align:left;white-space:nowrap}
        .chip{display:inline-block;background:#e6f0ff;border-radius:9px;padding:0 .5rem;margin:1px}
        #error{color:#b00020;font-weight:600;min-height:1.2em}
        form{margin-bottom:1rem}
        input{font-size:1rem;padding:.3rem;max-width:60vw}
        @media (max-width:640px){thead{display:none}table,tbody,tr,td{display:block}tr{border:1px solid #ddd;border-radius:6px;margin-bottom:.5rem}
        td{border:0;white-space:normal;padding:.2rem .5rem}td::before{content:attr(data-label) ": ";color:#666}}
        </style></head><body>
        <h1>RogerRat admin</h1>
        <form id="login"><input id="token" type="password" placeholder="admin token" autocomplete="off"> <button id="go">Open</button></form>
        <div id="error" role="alert"></div>
        <div class="cards">
        <div class="card">channels created<b id="c-channels">–</b></div>
        <div class="card">joins<b id="c-joins">–</b></div>
        <div class="card">messages<b id="c-messages">–</b></div>
        <div class="card">messages/s<b id="c-rate">–</b></div>
        <div class="card">channels open now<b id="c-open">–</b></div>
        <div class="card">agents online<b id="c-agents">–</b></div>
        <div class="card">parked listens<b id="c-parked">–</b></div>
        <div class="card">streams open<b id="c-streams">–</b></div>
        <div class="card">connections<b id="c-conns">–</b></div>
        </div>
        <div class="wrap"><table id="channels"><thead><tr><th>Channel</th><th>Retention</th><th>Auth</th><th>Trust</th><th>Roster</th><th>Msgs</th><th>Opened</th><th>Last activity</th></tr></thead><tbody></tbody></table></div>
        <script>
        const KEY='rogerthat_admin_token';
        const $=id=>document.getElementById(id);
        const esc=s=>String(s??'').replace(/[&<>"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
        const ago=t=>{if(t==null)return '–';let s=Math.max(0,Math.floor((Date.now()-t)/1000));if(s<60)return s+'s ago';if(s<3600)return Math.floor(s/60)+'m ago';if(s<86400)return Math.floor(s/3600)+'h ago';return Math.floor(s/86400)+'d ago';};
        let last=null,timer=null;
        async function get(path,token){const r=await fetch(path,{headers:{Authorization:'Bearer '+token}});let j={};try{j=await r.json();}catch(e){}return {status:r.status,json:j};}
        async function refresh(){
          const token=sessionStorage.getItem(KEY);if(!token)return;
          const a=await get('/api/admin/channels',token);
          if(a.status!==200){$('error').textContent=(a.json.error||('HTTP '+a.status));if(a.status===401){sessionStorage.removeItem(KEY);$('login').style.display='';}return;}
          $('error').textContent='';$('login').style.display='none';
          const s=await get('/api/stats',token);
          if(s.status===200){$('c-channels').textContent=s.json.channels_created;$('c-joins').textContent=s.json.joins_total;}
          const m=a.json.live.messages_total;$('c-messages').textContent=m;
          const now=Date.now();if(last){$('c-rate').textContent=((m-last.m)/((now-last.t)/1000)).toFixed(2);}last={m,t:now};
          const p=await fetch('/metrics',{headers:{Authorization:'Bearer '+token}});
          if(p.status===200){const t=await p.text();const g=n=>{const l=t.split('\n').find(x=>x.startsWith(n+' '));return l?l.slice(n.length+1):'–';};
            $('c-parked').textContent=g('rogerrat_listens_parked');$('c-streams').textContent=g('rogerrat_streams_open');$('c-conns').textContent=g('rogerrat_connections_open');}
          const rows=a.json.channels;
          $('c-open').textContent=rows.filter(r=>r.agent_count>0).length;
          $('c-agents').textContent=rows.reduce((n,r)=>n+r.agent_count,0);
          $('channels').tBodies[0].innerHTML=rows.map(r=>'<tr data-channel="'+esc(r.id)+'"><td data-label="Channel">'+esc(r.id)+'</td><td data-label="Retention">'+esc(r.retention)+'</td><td data-label="Auth">token</td><td data-label="Trust">'+esc(r.trust_mode)+'</td><td data-label="Roster">'+r.roster.map(n=>'<span class="chip">'+esc(n)+'</span>').join('')+'</td><td data-label="Msgs">'+esc(r.message_count)+'</td><td data-label="Opened">'+ago(r.first_joined_at)+'</td><td data-label="Last activity">'+ago(r.last_activity_at)+'</td></tr>').join('');
        }
        $('login').addEventListener('submit',e=>{e.preventDefault();sessionStorage.setItem(KEY,$('token').value.trim());last=null;refresh();});
        timer=setInterval(refresh,5000);refresh();
        </script></body></html>
        """;
}
