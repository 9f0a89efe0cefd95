"""Renders a tmux capture (capture-pane -e) to PNG: python3 capture-to-png.py capture.ansi out.png COLUMNS (needs Pillow)."""
import re, sys
from PIL import Image, ImageDraw, ImageFont
def xterm(n):
    base=[(0,0,0),(205,0,0),(0,205,0),(205,205,0),(0,0,238),(205,0,205),(0,205,205),(229,229,229),(127,127,127),(255,0,0),(0,255,0),(255,255,0),(92,92,255),(255,0,255),(0,255,255),(255,255,255)]
    if n<16: return base[n]
    if n>=232: v=8+(n-232)*10; return (v,v,v)
    n-=16; lv=[0,95,135,175,215,255]; return (lv[n//36],lv[(n//6)%6],lv[n%6])
text=open(sys.argv[1],encoding='utf-8',errors='replace').read().split('\n')
cols=int(sys.argv[3]); rows=len(text)
cw,ch=8,16
img=Image.new('RGB',(cols*cw,rows*ch),(20,20,20))
d=ImageDraw.Draw(img)
try: font=ImageFont.truetype('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',13)
except: font=ImageFont.load_default()
DF,DB=(220,220,220),(20,20,20)
for y,line in enumerate(text):
    fg,bg,rev=DF,DB,False; x=0; i=0
    while i<len(line):
        m=re.match(r'\x1b\[([0-9;]*)m',line[i:])
        if m:
            ps=[int(p) if p else 0 for p in m.group(1).split(';')] if m.group(1) else [0]
            j=0
            while j<len(ps):
                p=ps[j]
                if p==0: fg,bg,rev=DF,DB,False
                elif p==7: rev=True
                elif p==38 and ps[j+1]==5: fg=xterm(ps[j+2]); j+=2
                elif p==48 and ps[j+1]==5: bg=xterm(ps[j+2]); j+=2
                elif p==39: fg=DF
                elif p==49: bg=DB
                j+=1
            i+=len(m.group(0)); continue
        c=line[i]; f,b=(bg,fg) if rev else (fg,bg)
        x0,y0=x*cw,y*ch
        if c=='▀':
            d.rectangle([x0,y0,x0+cw-1,y0+ch//2-1],fill=f); d.rectangle([x0,y0+ch//2,x0+cw-1,y0+ch-1],fill=b)
        else:
            d.rectangle([x0,y0,x0+cw-1,y0+ch-1],fill=b)
            if c!=' ': d.text((x0,y0),c,fill=f,font=font)
        x+=1; i+=1
img.save(sys.argv[2])
