#ifndef DBADVISOR_CMYSQL_SHIM_H
#define DBADVISOR_CMYSQL_SHIM_H
#include <mysql.h>
#endif
