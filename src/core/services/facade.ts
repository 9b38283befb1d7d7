import { serviceOf, workbenchMethods, type WorkbenchApi, type WorkbenchServices } from '../../shared/api';

type ServiceMethods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/**
 * A base class whose instances answer every WorkbenchApi method under its flat name by handing
 * it to the service that owns it. The methods are read from the services' schema tables, so a
 * method added to a service and its table is on the façade without a line here; the one cast
 * below is checked by `EveryMethodAgrees` and `NoMethodInTwoServices` in shared/api.ts.
 */
export const ServiceFacade = class {
  constructor(services: WorkbenchServices) {
    for (const method of workbenchMethods) {
      const service = services[serviceOf(method)] as unknown as ServiceMethods;
      const call = service[method];
      if (typeof call !== 'function') throw new Error(`the ${serviceOf(method)} service does not answer ${method}`);
      Object.defineProperty(this, method, { value: call.bind(service), enumerable: false });
    }
  }
} as unknown as new (services: WorkbenchServices) => Omit<WorkbenchApi, 'onEvent'>;
