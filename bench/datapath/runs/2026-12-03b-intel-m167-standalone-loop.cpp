#include <immintrin.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <dlfcn.h>
#include <link.h>
#include "pmem2/arch/x86_64/memops.hpp"
namespace pmem2::arch::x86_64 {
const std::size_t g_movnt_threshold = 256;
const NoFlushLibc g_noflush_libc = kNoFlushLibcIntel;
namespace avx512f {
struct Vec : VectorBase<Vec, __m512i, 64, 32> {
	static PMEM2_ALWAYS_INLINE __m512i load(const char *s) noexcept { return _mm512_loadu_si512(s); }
	static PMEM2_ALWAYS_INLINE void store(char *d, __m512i v) noexcept { _mm512_storeu_si512(d, v); }
	static PMEM2_ALWAYS_INLINE void stream(char *d, __m512i v) noexcept { _mm512_stream_si512(reinterpret_cast<__m512i *>(d), v); }
	static PMEM2_ALWAYS_INLINE __m512i splat(unsigned char c) noexcept { return _mm512_set1_epi8(static_cast<char>(c)); }
	static PMEM2_ALWAYS_INLINE void sfence() noexcept { _mm_sfence(); }
};
}
}
using namespace pmem2::arch::x86_64;
using Ops = MemOps<avx512f::Vec, FlushClwb, false, false, FlushOrder::EachLine, true>;
__attribute__((noinline)) void *handref(void *dv, const void *sv, size_t n, unsigned) {
  char *d=(char*)dv; const char *s=(const char*)sv;
  size_t head=(64-((uintptr_t)d&63))&63; if(head>n) head=n;
  { __m256i a=_mm256_loadu_si256((const __m256i*)s), b=_mm256_loadu_si256((const __m256i*)(s+head-32)); _mm256_storeu_si256((__m256i*)d,a); _mm256_storeu_si256((__m256i*)(d+head-32),b);} 
  d+=head; s+=head; n-=head;
  while(n>=128){ __m512i x1=_mm512_loadu_si512(s+64), x0=_mm512_loadu_si512(s); _mm512_store_si512(d+64,x1); _mm512_store_si512(d,x0); d+=128;s+=128;n-=128;}
  if(n>=64){ __m512i x0=_mm512_loadu_si512(s); _mm512_store_si512(d,x0); d+=64;s+=64;n-=64;}
  if(n>=4){ uint32_t a,b; memcpy(&a,s,4); memcpy(&b,s+n-4,4); memcpy(d,&a,4); memcpy(d+n-4,&b,4);} 
  _mm256_zeroupper();
  return dv; }
__attribute__((noinline)) void *handpush1(void *dv, const void *sv, size_t n, unsigned) {
  __asm__ volatile("" ::: "rbx"); char *d=(char*)dv; const char *s=(const char*)sv;
  size_t head=(64-((uintptr_t)d&63))&63; if(head>n) head=n;
  { __m256i a=_mm256_loadu_si256((const __m256i*)s), b=_mm256_loadu_si256((const __m256i*)(s+head-32)); _mm256_storeu_si256((__m256i*)d,a); _mm256_storeu_si256((__m256i*)(d+head-32),b);} 
  d+=head; s+=head; n-=head;
  while(n>=128){ __m512i x1=_mm512_loadu_si512(s+64), x0=_mm512_loadu_si512(s); _mm512_store_si512(d+64,x1); _mm512_store_si512(d,x0); d+=128;s+=128;n-=128;}
  if(n>=64){ __m512i x0=_mm512_loadu_si512(s); _mm512_store_si512(d,x0); d+=64;s+=64;n-=64;}
  if(n>=4){ uint32_t a,b; memcpy(&a,s,4); memcpy(&b,s+n-4,4); memcpy(d,&a,4); memcpy(d+n-4,&b,4);} 
  _mm256_zeroupper();
  return dv; }
__attribute__((noinline)) void *handpush(void *dv, const void *sv, size_t n, unsigned) {
  __asm__ volatile("" ::: "rbx","r12","r13","r14"); char *d=(char*)dv; const char *s=(const char*)sv;
  size_t head=(64-((uintptr_t)d&63))&63; if(head>n) head=n;
  { __m256i a=_mm256_loadu_si256((const __m256i*)s), b=_mm256_loadu_si256((const __m256i*)(s+head-32)); _mm256_storeu_si256((__m256i*)d,a); _mm256_storeu_si256((__m256i*)(d+head-32),b);} 
  d+=head; s+=head; n-=head;
  while(n>=128){ __m512i x1=_mm512_loadu_si512(s+64), x0=_mm512_loadu_si512(s); _mm512_store_si512(d+64,x1); _mm512_store_si512(d,x0); d+=128;s+=128;n-=128;}
  if(n>=64){ __m512i x0=_mm512_loadu_si512(s); _mm512_store_si512(d,x0); d+=64;s+=64;n-=64;}
  if(n>=4){ uint32_t a,b; memcpy(&a,s,4); memcpy(&b,s+n-4,4); memcpy(d,&a,4); memcpy(d+n-4,&b,4);} 
  _mm256_zeroupper();
  return dv; }
__attribute__((noinline)) void *loopmove(void *d, const void *s, size_t n, unsigned) { Loop<avx512f::Vec, Temporal, FlushNone>::move((char*)d,(const char*)s,n); return d; }
static unsigned long long now(){timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000ull+t.tv_nsec;}
extern "C" void *(*volatile fnp)(void*,const void*,size_t,unsigned);
void *(*volatile fnp)(void*,const void*,size_t,unsigned) = Ops::memmove;
int main(int argc,char**argv){
  size_t sz=atol(argv[1]); unsigned flags=strtoul(argv[2],0,0); size_t fsz=1ul<<30;
  int fd=open("/dev/shm",O_TMPFILE|O_RDWR,0600); if(posix_fallocate(fd,0,fsz))return 1;
  char*b=(char*)mmap(0,fsz+(2<<20),PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);
  b=(char*)mmap((char*)(((uintptr_t)b+(2<<20)-1)&~((2ul<<20)-1)),fsz,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_FIXED,fd,0);
  static char sbuf[1<<20]; memset(sbuf,3,sizeof sbuf); memset(b,1,fsz);
  auto mv=fnp;  if(argc>3 && argv[3][0]=='h') fnp=handref; if(argc>3 && argv[3][0]=='l') fnp=loopmove; if(argc>3 && argv[3][0]=='p') fnp=handpush; if(argc>3 && argv[3][0]=='1') fnp=handpush1; if(argc>3 && argv[3][0]=='j') fnp=(void*(*)(void*,const void*,size_t,unsigned))(void*)&Loop<avx512f::Vec, Temporal, FlushNone>::move; mv=fnp; if(getenv("LIBF")){ void*h=dlopen(getenv("LIBF"),RTLD_NOW|RTLD_LOCAL); struct link_map*lm; dlinfo(h,RTLD_DI_LINKMAP,&lm); mv=(void*(*)(void*,const void*,size_t,unsigned))(lm->l_addr+strtoul(getenv("OFF"),0,16)); }
  size_t foot=sz+7, step=(foot+63)&~63ul, lim=(fsz-foot-256)&~63ul, calls=3000000, off=0; double r[9];
  for(int s=0;s<9;s++){auto t0=now(); for(size_t i=0;i<calls;i++){mv(b+off+7,sbuf+3,sz,flags); off+=step; if(off>lim)off=0;} r[s]=(double)(now()-t0)/calls;}
  std::sort(r,r+9); printf("%.1f %.1f %.1f %p\n",r[0],r[4],r[8],(void*)b); }
