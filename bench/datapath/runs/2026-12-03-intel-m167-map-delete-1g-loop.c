#define _GNU_SOURCE
#include <libpmem2.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
static uint64_t now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000ull+t.tv_nsec;}
static int cmp(const void*a,const void*b){uint64_t x=*(uint64_t*)a,y=*(uint64_t*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  size_t len = (size_t)atol(argv[1])<<20; int N=atoi(argv[2]);
  int fd=open("/dev/shm",O_TMPFILE|O_RDWR,0600); if(ftruncate(fd,1ul<<30))return 1;
  struct pmem2_source*src; pmem2_source_from_fd(&src,fd);
  struct pmem2_config*cfg; pmem2_config_new(&cfg);
  pmem2_config_set_required_store_granularity(cfg,PMEM2_GRANULARITY_PAGE);
  pmem2_config_set_length(cfg,len);
  uint64_t *d=malloc(N*8),*nw=malloc(N*8); uintptr_t a0=0;
  for(int i=0;i<N;i++){struct pmem2_map*m;uint64_t t0=now();
    if(pmem2_map_new(&m,cfg,src))return 2; uint64_t t1=now();
    if(i==0)a0=(uintptr_t)pmem2_map_get_address(m);
    pmem2_map_delete(&m); uint64_t t2=now(); nw[i]=t1-t0; d[i]=t2-t1;}
  qsort(d,N,8,cmp);qsort(nw,N,8,cmp);
  printf("addr %#lx new %lu delete p10 %lu med %lu p90 %lu\n",(unsigned long)a0,nw[N/2],d[N/10],d[N/2],d[N*9/10]);
  return 0;}
