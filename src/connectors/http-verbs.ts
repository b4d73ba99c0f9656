import type { HttpClient, HttpMethod, HttpRequestOptions, HttpResponse } from './http-client.ts';

/** An HttpClient's shortcuts (get, post, ...) over its one `request`: every client of the run (live, offline, gated) has them alike. */
export abstract class HttpVerbs implements HttpClient {
  abstract request(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<HttpResponse>;

  get(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('GET', path, options);
  }
  post(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('POST', path, options);
  }
  put(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('PUT', path, options);
  }
  patch(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('PATCH', path, options);
  }
  delete(path: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('DELETE', path, options);
  }
}
