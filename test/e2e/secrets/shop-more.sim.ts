// The shop whose customers read their account once more: replaying a shop run with it makes actions the original did not.
import { shop } from './shop.ts';

export default shop(2);
