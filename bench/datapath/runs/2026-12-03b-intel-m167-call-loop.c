#define _GNU_SOURCE
#include <libpmem2.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
static uint64_t now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000ull+t.tv_nsec;}
static int cmpd(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
/* usage: ovl SIZE KIND(0 fwd,1 bwd,2 memcpy,3 memset) FLAGS */
int main(int argc,char**argv){
  size_t sz=atol(argv[1]); int kind=atoi(argv[2]); unsigned flags=strtoul(argv[3],0,0); size_t fsz=1ul<<30;
  setenv("PMEM2_FORCE_GRANULARITY","CACHE_LINE",1);
  int fd=open("/dev/shm",O_TMPFILE|O_RDWR,0600); if(posix_fallocate(fd,0,fsz))return 1;
  struct pmem2_source*src; pmem2_source_from_fd(&src,fd);
  struct pmem2_config*cfg; pmem2_config_new(&cfg);
  pmem2_config_set_required_store_granularity(cfg,PMEM2_GRANULARITY_CACHE_LINE);
  struct pmem2_map*m; if(pmem2_map_new(&m,cfg,src)){pmem2_perror("map");return 2;}
  char*b=pmem2_map_get_address(m); if(getenv("PLAIN")){ b=mmap(0,fsz,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);} pmem2_memmove_fn mv=pmem2_get_memmove_fn(m); pmem2_memset_fn ms=pmem2_get_memset_fn(m);
  static char sbuf[1<<20]; memset(sbuf,3,sizeof sbuf);
  memset(b,1,fsz);
  size_t half=sz/2, foot=kind<2?sz+half:kind>=4?sz+7:sz, step=(foot+63)&~63ul, lim=(fsz-foot-256)&~63ul;
  size_t calls=sz<=256?3000000:300000; double r[9];
  size_t off=0;
  for(int s=0;s<9;s++){ uint64_t t0=now();
    for(size_t i=0;i<calls;i++){ char*d=b+off;
      switch(kind){case 0: mv(d,d+half,sz,flags);break; case 1: mv(d+half,d,sz,flags);break; case 2: mv(d,sbuf,sz,flags);break; case 3: ms(d,0x5a,sz,flags);break; case 4: mv(d+7,sbuf+3,sz,flags);break; case 5: ms(d+7,0x5a,sz,flags);break; default: mv(d+7,sbuf+3,sz,flags);}
      off+=step; if(off>lim)off=0;}
    r[s]=(double)(now()-t0)/calls;}
  qsort(r,9,sizeof r[0],cmpd);
  if(getenv("SMAPS")){ char cmd[300]; snprintf(cmd,sizeof cmd,"awk -v a=%lx 'BEGIN{f=0} /^[0-9a-f]+-/{split($1,r,\"-\"); f=(r[1]==a)} f' /proc/%d/smaps | grep -E \"^(Size|Rss|ShmemPmdMapped|FilePmdMapped|VmFlags|KernelPageSize|THPeligible)\"", (unsigned long)(uintptr_t)b, getpid()); system(cmd);}
  printf("%.1f %.1f %.1f  %p\n",r[0],r[4],r[8],(void*)b);
  return 0;}
