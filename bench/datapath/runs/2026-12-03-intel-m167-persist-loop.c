#define _GNU_SOURCE
#include <libpmem2.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>
static uint64_t now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000ull+t.tv_nsec;}
int main(int argc,char**argv){
  size_t sz=atol(argv[1]); int dirty_all=atoi(argv[2]); size_t fsz=256ul<<20;
  setenv("PMEM2_FORCE_GRANULARITY","CACHE_LINE",1);
  int fd=open("/dev/shm",O_TMPFILE|O_RDWR,0600); if(posix_fallocate(fd,0,fsz))return 1;
  struct pmem2_source*src; pmem2_source_from_fd(&src,fd);
  struct pmem2_config*cfg; pmem2_config_new(&cfg);
  pmem2_config_set_required_store_granularity(cfg,PMEM2_GRANULARITY_CACHE_LINE);
  struct pmem2_map*m; if(pmem2_map_new(&m,cfg,src)){pmem2_perror("map");return 2;}
  char*b=pmem2_map_get_address(m); pmem2_persist_fn p=pmem2_get_persist_fn(m); pmem2_flush_fn fl=pmem2_get_flush_fn(m); pmem2_drain_fn dr=pmem2_get_drain_fn(m); int mode=argc>3?atoi(argv[3]):0;
  memset(b,1,fsz); { Dl_info di; dladdr((void*)p,&di); printf("persist_fn %s+%#lx\n", di.dli_sname?di.dli_sname:"?", (unsigned long)((char*)p-(char*)di.dli_fbase)); }
  size_t calls=200000; double best=1e9;
  for(int s=0;s<7;s++){size_t off=0; uint64_t t0=now();
    for(size_t i=0;i<calls;i++){ if(off+sz>fsz)off=0; char*d=b+off;
      if(dirty_all) for(size_t k=0;k<sz;k+=64) d[k]=(char)i; else d[0]=(char)i;
      if(mode) {fl(d,sz); dr();} else p(d,sz); off+=sz;}
    double t=(double)(now()-t0)/calls; if(t<best)best=t;}
  { char cmd[256]; snprintf(cmd,sizeof cmd,"awk -v a=%lx 'BEGIN{f=0} /^[0-9a-f]+-/{split($1,r,\"-\"); f=(r[1]==a)} f' /proc/%d/smaps | grep -E \"^(Size|Rss|ShmemPmdMapped|FilePmdMapped|VmFlags|KernelPageSize)\"", (unsigned long)(uintptr_t)b, getpid()); system(cmd);}
  printf("addr %p size %zu dirty_all %d best %.1f ns\n",(void*)b,sz,dirty_all,best);
  return 0;}
