/** Admin pages' data: users (create, role, disable, password), the audit log and the stats over the job history. */
package com.desayre.gateway.admin;
