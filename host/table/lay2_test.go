package table
import ("testing";"math/rand";"math")
func TestRebLay(t *testing.T){
 worst:=0.0
 r:=rand.New(rand.NewSource(2))
 for it:=0; it<200; it++{
  n:=8
  w:=make([]float64,n); for i:=range w{w[i]=1}
  tab,_:=Weighted(w)
  for s:=0;s<5;s++{
   w=append([]float64(nil),w...)
   if r.Intn(2)==0 && len(w)<256 {w=append(w,r.ExpFloat64())} else {w[r.Intn(len(w))]=r.ExpFloat64()}
   tab,_,_,_=Rebalance(tab,w)
  }
  c:=tab.Counts(len(w)); g:=make([]int,len(c))
  for k,tm:=range tab{ g[tm]++; for i:=range g{ d:=math.Abs(float64(g[i])-float64(c[i])*float64(k+1)/Size); if d>worst{worst=d}}}
 }
 t.Log("worst",worst)
}
